import RationaleCLI

Rationale.main()
