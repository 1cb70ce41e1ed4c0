// Not a route: folders starting with _ are private. This file is never compiled, so it may be anything.
func get() {}
