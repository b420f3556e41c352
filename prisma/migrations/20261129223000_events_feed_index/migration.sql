-- The activity feed (GET /api/v1/projects/{id}/feed) reads the newest events of a project room per head
-- type (member.*, test_run.created, workflow.started, …) without walking past the room's chunks and results.
CREATE INDEX "events_room_type_id_idx" ON "events"("room", "type", "id");
