// Package cmd holds gptbot's commands: the server (default), user
// management and the offline dev model.
package cmd

import (
	"github.com/gogf/gf/v2/os/gcmd"
)

// Main is the root command; without a subcommand it serves HTTP.
var Main = &gcmd.Command{
	Name:  "gptbot",
	Usage: "gptbot [command] [options]",
	Brief: "self-hosted multi-user chat with OpenAI-compatible models",
	Description: "Without a command gptbot serves HTTP. The configuration file is " +
		"manifest/config/config.yaml, or the one named by --gf.gcfg.file or GF_GCFG_FILE.",
	Func: serve,
}

func init() {
	userCmd := &gcmd.Command{Name: "user", Brief: "manage accounts"}
	if err := userCmd.AddCommand(userCreate, userGrant, userEnable, userPromote); err != nil {
		panic(err)
	}
	if err := Main.AddCommand(userCmd, migrateCmd, devllmCmd); err != nil {
		panic(err)
	}
}
