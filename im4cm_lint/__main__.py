from im4cm_lint.cli import main

main()
