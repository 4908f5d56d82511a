"""Pipeline stages: each module has `run(ctx) -> StageOutput`."""
