from contractctl.cli.main import main

main()
