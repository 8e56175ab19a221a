#pragma once
// Ctrl-C (SIGINT), SIGTERM and SIGHUP during a long command: instead of dying half-way, the
// command notices, stops what it is waiting for, rolls back and exits with code 8 (aborted).
namespace boutique::core {

// Installs the handlers (idempotent). Until then the signals keep their default action.
void catch_interrupts();
bool interrupted();
// Forgets a signal that was handled (`boutique dev` stops its loop on Ctrl-C, then puts back
// what it changed: a second Ctrl-C interrupts that).
void clear_interrupt();
// Throws Aborted("interrupted") once a signal arrived.
void throw_if_interrupted();

}  // namespace boutique::core
