global using System.Collections.Immutable;
global using Orleans;
global using Orleans.Runtime;
global using Outbound.Catalog;
