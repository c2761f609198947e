package main

func (c *cli) cmdExport(args []string) error { return errf(msgUnknownCommand, "export") }
