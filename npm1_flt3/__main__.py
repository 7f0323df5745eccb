from npm1_flt3.cli import main

raise SystemExit(main())
