"""What every layer above may use: units, the provenance kinds, validation of parameters (one range
per knob), named random streams, the rule that turns a printed number into its interval, and where
the repository's folders are. Imports only :mod:`scalinglaws.constants`."""
