from packstation.cli import main

main()
