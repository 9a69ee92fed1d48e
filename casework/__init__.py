"""What officers and admins do: one function per use case, one transaction, the actor passed in."""
