// The engine is Linux-only, and so are the tests that drive it.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
