/// Training of the MAE: backward pass, AdamW, schedule, data pipeline, runs.
public enum TrainingModule {}
