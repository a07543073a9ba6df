// Scratch file the completion scenario types into.
