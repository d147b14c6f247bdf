-- projects-service: resources that are presets (only metadata: no file, no name), their catalogue read
-- by type, and the training data helper's descriptions.

-- The web app's presets (phase-config, style-reference, structure-video, effect) keep everything in
-- metadata: the name is optional, like the file (url / object_id already were nullable).
ALTER TABLE resources ALTER COLUMN name DROP NOT NULL;

-- Lists by type, newest first, read in index order: the public catalogue (tens of thousands of rows,
-- walked by keyset pages) and a user's own resources of one type.
CREATE INDEX resources_public_by_type ON resources (type, created_at DESC, id DESC) WHERE is_public;
CREATE INDEX resources_user_by_type ON resources (user_id, type, created_at DESC, id DESC);

-- Descriptions of batches and videos (segments had one); a video's duration existed (whole seconds).
ALTER TABLE training_data_batches ADD COLUMN description text CHECK (char_length(description) <= 2000);
ALTER TABLE training_data ADD COLUMN description text CHECK (char_length(description) <= 2000);
ALTER TABLE training_data_segments ADD CONSTRAINT training_data_segments_description_length
  CHECK (char_length(description) <= 2000) NOT VALID;

-- The helper lists every video and every segment of the user, newest first, across batches.
CREATE INDEX training_data_user_newest_first ON training_data (user_id, created_at DESC, id DESC);
CREATE INDEX training_data_segments_newest_first ON training_data_segments (training_data_id, created_at DESC, id DESC);
