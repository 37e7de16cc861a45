"""Running the suite: the command line (migrate, serve, bootstrap, run) and container files."""
