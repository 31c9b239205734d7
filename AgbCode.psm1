# Loads the module's assemblies built for the .NET this PowerShell runs on: net10.0/ on pwsh 7.6+ (.NET 10, which uses
# their ReadyToRun code only because they were compiled against .NET 10), net8.0/ on PowerShell 7.4 and 7.5. A project's
# build output (the hosted tests') holds one set of assemblies beside this file instead.
$framework = if ([Environment]::Version.Major -ge 10) { 'net10.0' } else { 'net8.0' }
$assemblies = Join-Path $PSScriptRoot $framework
if (-not (Test-Path -LiteralPath $assemblies -PathType Container)) { $assemblies = $PSScriptRoot }
$cmdlets = Import-Module (Join-Path $assemblies 'AgbCode.PowerShell.dll') -PassThru
$ExecutionContext.SessionState.Module.OnRemove = { Remove-Module -ModuleInfo $cmdlets }
