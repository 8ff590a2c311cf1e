from attune.analysis.engine.cli import main

raise SystemExit(main())
