from houbei.cli import main

main()
