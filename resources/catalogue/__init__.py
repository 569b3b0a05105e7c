"""The event-class catalogue as JSON; loaded by :mod:`dispatch.adapters.catalogue_loader`."""
