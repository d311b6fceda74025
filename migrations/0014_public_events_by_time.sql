-- Open311's servicerequestupdates reads the public trail of a time window, city-wide: an index on
-- the time of public events only, so the read is a range, not a scan of every event.
CREATE INDEX ticket_events_public_by_at ON ticket_events (at) WHERE public = 1;
