"""The event-class catalogue as JSON; loaded by :mod:`dispatch.catalogue.loader`."""
