#requires -Version 7.4
# The package build.ps1 -Task Package writes installs from a local folder repository and works.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:packages = $env:AGBCODE_TEST_PACKAGES
    $script:repository = "AgbCodeTest-$PID"
    $script:version = (Import-PowerShellDataFile (Join-Path $AgbModuleDir 'AgbCode.psd1')).ModuleVersion
    Register-PSResourceRepository -Name $repository -Uri $packages -Trusted
    $script:pwsh = $PwshCommand
}

AfterAll {
    Unregister-PSResourceRepository -Name $repository -ErrorAction Ignore
}

Describe 'The AgbCode package' {
    It 'is found in a folder repository and installs like any module' {
        Find-PSResource -Name AgbCode -Repository $repository | Select-Object -ExpandProperty Version | Should -Be $version
        Save-PSResource -Name AgbCode -Repository $repository -Path $TestDrive -TrustRepository
        $installed = Join-Path $TestDrive "AgbCode/$version"
        $files = Get-ChildItem $installed -Name -Recurse
        $files | Should -Contain 'net8.0/AgbCode.PowerShell.dll'
        $files | Should -Contain 'net10.0/AgbCode.PowerShell.dll'
        $text = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command `
            "Import-Module '$installed/AgbCode.psd1'; (Invoke-AgbCode -Language python -Code '6 * 7' -Quiet).Text"
        $text | Should -Be '42'
    }
}
