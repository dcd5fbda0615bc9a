"""Outside I/O: network probes, message delivery, alert intake.

Each integration sits behind a small interface the runtime injects, so services
stay testable and everyday commands never import it.
"""
