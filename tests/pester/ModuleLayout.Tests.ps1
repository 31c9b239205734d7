#requires -Version 7.4
# The built module's assemblies per .NET (README.md, "The module's build"): net8.0/ as IL for PowerShell 7.4 and
# 7.5, net10.0/ with ReadyToRun code for pwsh 7.6+, and AgbCode.psm1 loading the set of the running .NET.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:moduleDir = (Resolve-Path $AgbModuleDir).Path
    $script:assemblyNames = 'AgbCode.Client.dll', 'AgbCode.Core.dll', 'AgbCode.Engine.dll', 'AgbCode.PowerShell.dll'

    # The .NET an assembly was compiled against (its System.Runtime reference) and whether it carries ReadyToRun code.
    function Get-AssemblyBuild([string] $Path) {
        $stream = [IO.File]::OpenRead($Path)
        $reader = [Reflection.PortableExecutable.PEReader]::new($stream)
        try {
            $metadata = [Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($reader)
            $runtime = foreach ($handle in $metadata.AssemblyReferences) {
                $reference = $metadata.GetAssemblyReference($handle)
                if ($metadata.GetString($reference.Name) -eq 'System.Runtime') { $reference.Version.Major }
            }
            [pscustomobject]@{ Runtime = $runtime; ReadyToRun = $reader.PEHeaders.CorHeader.ManagedNativeHeaderDirectory.Size -gt 0 }
        }
        finally { $reader.Dispose(); $stream.Dispose() }
    }

    # How many methods of AgbCode's own types a fresh pwsh jits to import one set of assemblies and run 1+1 in Python.
    function Measure-JittedAgbMethod([string] $Framework) {
        $log = Join-Path $TestDrive "jit-$Framework.txt"
        $env:DOTNET_JitStdOutFile = $log
        $env:DOTNET_JitDisasmSummary = '1'
        try {
            & $PwshCommand[0] @($PwshCommand | Select-Object -Skip 1) -NoProfile -NonInteractive -Command `
                "Import-Module '$moduleDir/$Framework/AgbCode.PowerShell.dll'; (Invoke-AgbCode -Language python -Code 1+1 -Quiet).Text" |
                Should -Be '2'
        }
        finally { Remove-Item Env:DOTNET_JitStdOutFile, Env:DOTNET_JitDisasmSummary }
        @(Select-String -LiteralPath $log -Pattern 'JIT compiled AgbCode\.').Count
    }
}

Describe 'The module layout' {
    It 'holds the four assemblies for net8.0 as IL and for net10.0 with ReadyToRun code' {
        foreach ($framework in 'net8.0', 'net10.0') {
            (Get-ChildItem (Join-Path $moduleDir $framework) -Filter *.dll).Name | Sort-Object | Should -Be $assemblyNames
        }
        foreach ($name in $assemblyNames) {
            $net8 = Get-AssemblyBuild (Join-Path $moduleDir "net8.0/$name")
            $net10 = Get-AssemblyBuild (Join-Path $moduleDir "net10.0/$name")
            "$name $($net8.Runtime) $($net8.ReadyToRun)" | Should -Be "$name 8 False"
            "$name $($net10.Runtime) $($net10.ReadyToRun)" | Should -Be "$name 10 True"
        }
    }

    It 'loads the net10.0 assemblies in pwsh on .NET 10' {
        [Environment]::Version.Major | Should -Be 10
        Import-Module (Join-Path $moduleDir 'AgbCode.psd1') -Force
        (Get-Command Invoke-AgbCode).ImplementingType.Assembly.Location | Should -Be (Join-Path $moduleDir 'net10.0/AgbCode.PowerShell.dll')
        (Get-Command Invoke-AgbCode).Module.Name | Should -Be 'AgbCode'
    }

    It '.NET 10 runs the ReadyToRun code instead of jitting it' {
        $il = Measure-JittedAgbMethod 'net8.0'
        $readyToRun = Measure-JittedAgbMethod 'net10.0'
        # the rest are BCL generics over AgbCode's types (async state machines) and the cmdlets, whose base type
        # (PSCmdlet) lies outside the assemblies' version bubble
        $readyToRun | Should -BeLessThan ($il / 4)
    }
}
