@{
    RootModule           = 'AgbCode.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '96581292-3c20-428f-ade4-1913981f010e'
    Author               = 'AgbCode'
    CompanyName          = 'AgbCode'
    Copyright            = '(c) AgbCode. MIT License.'
    Description          = 'Run untrusted Python, JavaScript, Java and R code in isolated, stateful sandboxes: live output, typed rich results, and the AGB cloud API.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('AgbCode.format.ps1xml')
    TypesToProcess       = @('AgbCode.types.ps1xml')
    CmdletsToExport      = @('New-AgbSession', 'Get-AgbSession', 'Invoke-AgbCode', 'Remove-AgbSession', 'Save-AgbResult', 'Get-AgbLanguage', 'Get-AgbImage', 'Copy-AgbItem', 'Get-AgbChildItem', 'Remove-AgbItem', 'New-AgbContext', 'Get-AgbContext', 'Remove-AgbContext')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('sandbox', 'code-execution', 'python', 'javascript', 'java', 'r', 'agb', 'PSEdition_Core', 'Linux')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
