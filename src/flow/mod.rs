//! The call-flow engine: calls, dialogs, transactions, PRACK pairing and transfer outcomes.
