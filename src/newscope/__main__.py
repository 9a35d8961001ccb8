from newscope.cli import main

raise SystemExit(main())
