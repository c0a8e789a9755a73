from checker.cli.main import main

raise SystemExit(main())
