//! Shared filters.
