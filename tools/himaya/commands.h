// The subcommands of the himaya CLI. Each returns the process's exit code and prints errors
// as one line on standard error.
#pragma once

#include <string>
#include <vector>

namespace himaya::cli {

// Starts the local stack in the foreground until Ctrl-C, SIGINT or SIGTERM.
int Up(const std::vector<std::string>& args);
// Prints each component's health; non-zero when one is down.
int Status(const std::vector<std::string>& args);
// Registers one person from --cin, --last_name, ... flags.
int Register(const std::vector<std::string>& args);
// `person get NUMBER|CIN`.
int Person(const std::vector<std::string>& args);
// `messages NUMBER`.
int Messages(const std::vector<std::string>& args);
// Starts a stack, walks a registration through it end to end, prints what happened, stops.
int Demo(const std::vector<std::string>& args);

}  // namespace himaya::cli
