"""What an import tells the person: the file refused whole with every problem, or the
outcome (what changed), as the lines the command line and the console print."""
