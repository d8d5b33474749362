"""Tests of the model: unit, statistical (paired seeds), regression and end-to-end."""
