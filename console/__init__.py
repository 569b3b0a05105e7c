"""The Qt application shell: start-up, login, the main window, network workers, modes."""
