"""发展党员 (recruitment): a person from the application to full membership."""
