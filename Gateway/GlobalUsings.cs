global using System.Collections.Immutable;
global using Outbound.Catalog;
