// What the stack commands (up, status) share with the demo, which starts a stack of its own.
#pragma once

#include <string>

#include "stack/local_stack.h"

namespace himaya::cli {

// A stack in `data_dir` with the databases and programs of --registration_database,
// --notification_database and --programs.
stack::StackOptions StackOptionsFromFlags(const std::string& data_dir);

// Prints where each component of a started stack listens, and where it writes.
void PrintStack(const stack::LocalStack& s);

}  // namespace himaya::cli
