"""Figure builders: results in, plotly figures out; aggregated data only, sized for a projector."""
