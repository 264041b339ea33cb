"""What the UI is told about a connection's session (``status`` of a connection)."""

STATE_CONNECTED = "connected"
STATE_NOT_LOGGED_IN = "not_logged_in"
STATE_EXPIRED = "session_expired"
STATE_UNREACHABLE = "unreachable"
STATE_AUTH_FAILED = "auth_failed"
