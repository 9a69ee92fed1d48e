"""Bot: the composition root. Settings, the CLI, the scheduler and the pipeline that chains the stages."""
