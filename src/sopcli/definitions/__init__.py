"""SOP definitions: the specification every running case follows."""
