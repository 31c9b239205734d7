#requires -Version 7.4
<#
.SYNOPSIS
    Writes the module's MAML help from the built cmdlets' metadata (sets, positions, pipeline input, types) and the
    prose in docs/help/AgbCode.help.psd1. Fails when a cmdlet or parameter has no prose, or prose names a parameter
    that does not exist, so help cannot drift from the code.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Source,
    [Parameter(Mandatory)] [string] $Output
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModulePath 'AgbCode.psd1') -Force
$prose = Import-PowerShellDataFile $Source
$common = [System.Management.Automation.PSCmdlet]::CommonParameters

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
New-Item -ItemType Directory -Force -Path (Split-Path $Output) | Out-Null
$w = [System.Xml.XmlWriter]::Create($Output, $settings)

function Para([string[]] $Text) {
    $w.WriteStartElement('maml', 'description', $maml)
    foreach ($t in $Text) { $w.WriteElementString('maml', 'para', $maml, $t) }
    $w.WriteEndElement()
}

function ParameterElement($Parameter, [string] $SetName, $Text) {
    $inSet = if ($SetName) { $Parameter.ParameterSets[$SetName] } else { $null }
    $sets = if ($inSet) { @($inSet) } else { @($Parameter.ParameterSets.Values) }
    $required = [bool]($sets | Where-Object IsMandatory)
    $position = ($sets | Where-Object { $_.Position -ge 0 } | Select-Object -First 1).Position
    $byValue = [bool]($sets | Where-Object ValueFromPipeline)
    $byName = [bool]($sets | Where-Object ValueFromPipelineByPropertyName)
    $pipeline = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
    $globbing = [bool]($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $type = $Parameter.ParameterType.Name
    $w.WriteStartElement('command', 'parameter', $command)
    $w.WriteAttributeString('required', $required.ToString().ToLower())
    $w.WriteAttributeString('position', $(if ($null -ne $position) { "$position" } else { 'named' }))
    $w.WriteAttributeString('pipelineInput', $pipeline)
    $w.WriteAttributeString('globbing', $globbing.ToString().ToLower())
    $w.WriteAttributeString('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $w.WriteElementString('maml', 'name', $maml, $Parameter.Name)
    if ($Text) { Para $Text }
    if ($type -ne 'SwitchParameter') {
        $w.WriteStartElement('command', 'parameterValue', $command)
        $w.WriteAttributeString('required', 'true')
        $w.WriteString($type)
        $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('maml', 'name', $maml, $Parameter.ParameterType.FullName); $w.WriteEndElement()
    $w.WriteEndElement()
}

$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
foreach ($cmdlet in Get-Command -Module AgbCode -CommandType Cmdlet | Sort-Object Name) {
    $text = $prose[$cmdlet.Name]
    if (-not $text) { throw "docs/help/AgbCode.help.psd1 has no help for $($cmdlet.Name)." }
    $parameters = @($cmdlet.Parameters.Values | Where-Object Name -NotIn $common | Sort-Object { $_.Name })
    $missing = @($parameters.Name | Where-Object { -not $text.Parameters.ContainsKey($_) })
    if ($missing) { throw "Help for $($cmdlet.Name) does not describe: $($missing -join ', ')." }
    $stale = @($text.Parameters.Keys | Where-Object { $_ -notin $parameters.Name })
    if ($stale) { throw "Help for $($cmdlet.Name) describes parameters it does not have: $($stale -join ', ')." }

    $w.WriteStartElement('command', 'command', $command)
    $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $w.WriteStartElement('command', 'details', $command)
    $w.WriteElementString('command', 'name', $command, $cmdlet.Name)
    Para $text.Synopsis
    $w.WriteElementString('command', 'verb', $command, $cmdlet.Verb)
    $w.WriteElementString('command', 'noun', $command, $cmdlet.Noun)
    $w.WriteEndElement()
    Para $text.Description

    $w.WriteStartElement('command', 'syntax', $command)
    foreach ($set in $cmdlet.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $command)
        $w.WriteElementString('maml', 'name', $maml, $cmdlet.Name)
        foreach ($p in $set.Parameters | Where-Object Name -NotIn $common) {
            ParameterElement $cmdlet.Parameters[$p.Name] $set.Name $null
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $command)
    foreach ($p in $parameters) { ParameterElement $p $null $text.Parameters[$p.Name] }
    $w.WriteEndElement()

    foreach ($kind in @(@('inputTypes', 'inputType', $text.Inputs), @('returnValues', 'returnValue', $text.Outputs))) {
        $w.WriteStartElement('command', $kind[0], $command)
        $w.WriteStartElement('command', $kind[1], $command)
        $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('maml', 'name', $maml, $kind[2]); $w.WriteEndElement()
        Para ''
        $w.WriteEndElement(); $w.WriteEndElement()
    }

    $w.WriteStartElement('maml', 'alertSet', $maml)
    $w.WriteStartElement('maml', 'alert', $maml)
    foreach ($note in @($text.Notes)) { $w.WriteElementString('maml', 'para', $maml, $note) }
    $w.WriteEndElement(); $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $command)
    $n = 0
    foreach ($example in $text.Examples) {
        $n++
        $w.WriteStartElement('command', 'example', $command)
        $w.WriteElementString('maml', 'title', $maml, "-------------------------- Example $n --------------------------")
        $w.WriteElementString('dev', 'code', $dev, $example.Code)
        $w.WriteStartElement('dev', 'remarks', $dev); $w.WriteElementString('maml', 'para', $maml, $example.Remarks); $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('maml', 'relatedLinks', $maml)
    foreach ($link in $text.Links) {
        $w.WriteStartElement('maml', 'navigationLink', $maml)
        $w.WriteElementString('maml', 'linkText', $maml, $link)
        $w.WriteElementString('maml', 'uri', $maml, '')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement()
$w.WriteEndDocument()
$w.Close()
