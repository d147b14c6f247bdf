-- projects-service: deleting a project, generation, resource or training video queues the deletion of
-- the storage objects it referenced unless another row still refers to them. That check looks rows
-- up by object_id in three tables; these indexes keep it an index probe instead of a scan.
CREATE INDEX generations_by_object ON generations (object_id) WHERE object_id IS NOT NULL;
CREATE INDEX resources_by_object ON resources (object_id) WHERE object_id IS NOT NULL;
CREATE INDEX training_data_by_object ON training_data (object_id);
