//go:build race

package entities

// raceBuild is set in -race test builds, where training runs ~10× slower.
const raceBuild = true
