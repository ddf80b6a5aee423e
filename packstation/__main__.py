from packstation.entry import main

main()
