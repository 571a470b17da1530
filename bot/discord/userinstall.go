package discord

import "github.com/bwmarrin/discordgo"

// User installs: /cert can be installed to a user's account as well as to a
// server, and used in servers, the bot's DM and other DMs and group DMs.
func integrationTypes() *[]discordgo.ApplicationIntegrationType {
	return &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall, discordgo.ApplicationIntegrationUserInstall}
}

func contexts() *[]discordgo.InteractionContextType {
	return &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild,
		discordgo.InteractionContextBotDM, discordgo.InteractionContextPrivateChannel}
}

// userInstallOnly reports whether an interaction reached certcoach through
// the user's own install alone: in a server that has not installed the bot,
// or in a DM or group DM with other people. The bot is not a member there,
// so the user's data lives in their own scope and nothing is set up for
// the channel.
func userInstallOnly(i *discordgo.Interaction) bool {
	if len(i.AuthorizingIntegrationOwners) == 0 {
		return false // older payloads: no owners means a server or bot DM install
	}
	_, guild := i.AuthorizingIntegrationOwners[discordgo.ApplicationIntegrationGuildInstall]
	_, user := i.AuthorizingIntegrationOwners[discordgo.ApplicationIntegrationUserInstall]
	return user && !guild
}
