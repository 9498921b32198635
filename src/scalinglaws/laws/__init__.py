"""Published laws as pure, vectorised functions of arrays. No I/O, no plotting."""
