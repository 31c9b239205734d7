# Dot-sourced by the Pester suites: where the built module is, and how to start a fresh pwsh like this one.

# The module under test: build.ps1 passes it in AGBCODE_TEST_MODULE; by hand, the repository's out/AgbCode.
$AgbModuleDir = if ($env:AGBCODE_TEST_MODULE) { $env:AGBCODE_TEST_MODULE } else { Join-Path $PSScriptRoot '../../out/AgbCode' }

# A fresh pwsh, started the way this one was (the dotnet tool runs as "dotnet pwsh.dll"); run it as
#   & $PwshCommand[0] @($PwshCommand | Select-Object -Skip 1) -NoProfile ...
$PwshCommand = @([Environment]::ProcessPath)
if ((Split-Path $PwshCommand[0] -LeafBase) -eq 'dotnet') { $PwshCommand += Join-Path $PSHOME 'pwsh.dll' }
