#requires -Version 7.4
# Contract tests: the built module's manifest, exports, format file and a first run.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSupport.ps1')
    $script:moduleDir = $AgbModuleDir
    $script:manifestPath = Join-Path $moduleDir 'AgbCode.psd1'
    Import-Module $manifestPath -Force
}

Describe 'The AgbCode module' {
    It 'has a valid manifest' {
        $manifest = Test-ModuleManifest $manifestPath
        $manifest.Name | Should -Be 'AgbCode'
        $manifest.PowerShellVersion | Should -Be '7.4'
    }

    It 'imports in this PowerShell (7.6.9)' {
        $PSVersionTable.PSVersion.ToString() | Should -Be '7.6.9'
        Get-Module AgbCode | Should -Not -BeNullOrEmpty
    }

    It 'exports exactly the cmdlets the manifest lists' {
        $declared = (Import-PowerShellDataFile $manifestPath).CmdletsToExport | Sort-Object
        $exported = (Get-Command -Module AgbCode -CommandType Cmdlet).Name | Sort-Object
        $exported | Should -Be $declared
    }

    It 'ships only its own assemblies' {
        Get-ChildItem $moduleDir -Filter *.dll -Recurse | ForEach-Object { $_.Name | Should -BeLike 'AgbCode.*' }
    }

    It 'loads its format file without error' {
        { Update-FormatData -PrependPath (Join-Path $moduleDir 'AgbCode.format.ps1xml') } | Should -Not -Throw
        $view = Get-FormatData -TypeName 'AgbCode.Core.Results.EnhancedCodeExecutionResult'
        $view | Should -Not -BeNullOrEmpty
    }

    It 'has an about topic' {
        Get-Help about_AgbCode | Out-String | Should -Match 'Information records tagged PSHOST'
    }
}

Describe 'Invoke-AgbCode' {
    It 'runs Python in a sandbox and returns the result' {
        $result = Invoke-AgbCode -Language python -Code 'import os; print("uid", os.getuid()); 6 * 7' -InformationVariable shown
        $result.Success | Should -BeTrue
        $result.Text | Should -Be '42'
        $result.Stdout | Should -Be "uid 1000`n"
        ($shown | Where-Object Tags -Contains 'Stdout').MessageData.Message -join '' | Should -Be "uid 1000`n"
    }

    It 'writes the result, then an error whose target is the result, when the code fails' {
        $result = Invoke-AgbCode -Language py -Code 'print("partial"); raise ValueError("boom")' -ErrorVariable failure -ErrorAction SilentlyContinue 6>$null
        $result.Success | Should -BeFalse
        $failure[0].FullyQualifiedErrorId | Should -Be 'AgbExecutionFailed,AgbCode.PowerShell.Cmdlets.InvokeAgbCodeCommand'
        $failure[0].TargetObject.Stdout | Should -Be "partial`n"
        $failure[0].TargetObject.Error.Name | Should -Be 'ValueError'
    }

    It 'rejects an unsupported language before anything runs' {
        $null = Invoke-AgbCode -Language ruby -Code 'puts 1' -ErrorVariable failure -ErrorAction SilentlyContinue
        $failure[0].FullyQualifiedErrorId | Should -Be 'AgbUnsupportedLanguage,AgbCode.PowerShell.Cmdlets.InvokeAgbCodeCommand'
        $failure[0].Exception.Message | Should -Be 'Unsupported language: ruby. Supported languages are java, javascript, python, r'
    }
}
