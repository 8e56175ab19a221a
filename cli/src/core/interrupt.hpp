#pragma once
// Ctrl-C (SIGINT), SIGTERM and SIGHUP during a long command: instead of dying half-way, the
// command notices, stops what it is waiting for, rolls back and exits with code 8 (aborted).
namespace boutique::core {

// Installs the handlers (idempotent). Until then the signals keep their default action.
void catch_interrupts();
bool interrupted();
// Throws Aborted("interrupted") once a signal arrived.
void throw_if_interrupted();

}  // namespace boutique::core
