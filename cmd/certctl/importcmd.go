package main

func (c *cli) cmdImport(args []string) error { return errf(msgUnknownCommand, "import") }
