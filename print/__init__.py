"""The print module: badge sheets and branch posters as PDF (imported as ``print.<module>``)."""
